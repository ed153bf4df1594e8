#!/usr/bin/env python3
"""Records Python's str(), repr(), truthiness, == and < for the values in this script, in the
typed encoding of Tests/GoldenSupport, into expected.json. Run: python3 record.py"""
import json, math, os

VALUES = [
    None, True, False, 0, 1, -1, 7, 2**63 - 1, 2**63, -2**63, -2**63 - 1, 10**30, -(10**40),
    0.0, -0.0, 1.0, -1.5, 0.1, 1e16, 1e15, 123456789012345.6, 1e-5, 0.0001, 1e-4, 1.5e300, 1e22,
    2.5e-7, 100.0, 3.14159, float("inf"), float("-inf"), float("nan"), 1/3, 2/3, 5e-324, 1.7976931348623157e308,
    "", "a", "it's", 'say "hi"', "both ' and \"", "tab\there", "new\nline", "back\\slash", "\x00\x07\x1b",
    "é", "日本", "\u200b", "\u00a0", "emoji 😀", "\x7f", "\x85", "\ud7ff", "\ue000",
    [], [1, "a"], [None, True, 1.0], [[1, 2], []], (), (1,), (1, "a"), ((1,),),
    {}, {"k": 1.0}, {"a": [1, {"b": None}]}, {1: "int", "1": "str"}, {True: "bool"}, {(1, 2): "tuple"},
    {None: None},
]

PAIRS = [
    (1, 1.0), (True, 1), (False, 0), (0, 0.0), (1, "1"), ("a", "a"), ("a", "b"), ("B", "a"), ("é", "z"),
    ([1, 2], [1, 2]), ([1, 2], [1, 3]), ([1], [1, 0]), ([1], (1,)), ((1, 2), (1, 2)), ({"a": 1, "b": 2}, {"b": 2, "a": 1}),
    ({"a": 1}, {"a": 1.0}), (None, None), (None, 0), (2**63, 2**63), (2**63, 2.0**63), (2**53 + 1, 2.0**53),
    (float("nan"), float("nan")), (1.5, 1), (-1, -0.5), (10**30, 1e30), (10**30, float("inf")), ("", []),
    ("abc", "abd"), ("ab", "abc"), ([], []), ([1, "a"], [1, "b"]), ((1, 2), (1,)),
]

def enc(v):
    if v is None: return ["none"]
    if isinstance(v, bool): return ["bool", v]
    if isinstance(v, int): return ["int", str(v)]
    if isinstance(v, float): return ["float", repr(v)]
    if isinstance(v, str): return ["str", v]
    if isinstance(v, list): return ["list", [enc(x) for x in v]]
    if isinstance(v, tuple): return ["tuple", [enc(x) for x in v]]
    if isinstance(v, dict): return ["dict", [[enc(k), enc(x)] for k, x in v.items()]]
    raise TypeError(type(v))

def outcome(f):
    try:
        return f()
    except TypeError:
        return "TypeError"

out = {"values": [], "pairs": []}
for v in VALUES:
    out["values"].append({"value": enc(v), "repr": repr(v), "str": str(v), "truthy": bool(v)})
for a, b in PAIRS:
    out["pairs"].append({"a": enc(a), "b": enc(b), "eq": a == b, "lt": outcome(lambda: a < b), "gt": outcome(lambda: a > b)})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "expected.json"), "w") as f:
    json.dump(out, f, indent=1, ensure_ascii=False, sort_keys=True)
    f.write("\n")
