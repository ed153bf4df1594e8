import Core
import Testing
@testable import Inventory

/// INI values typed as ansible-core 2.21 types them (ast.literal_eval, else the raw text).
@Suite struct PythonLiteralTests {
    @Test(arguments: [
        ("5", Value.int(5)), ("True", .bool(true)), ("[1, 2]", .list([1, 2])), ("yes", "yes"), ("007", "007"),
        ("23 # note", .int(23)), ("hello # x", "hello # x"), ("'a b'", "a b"), ("1.5", .float(1.5)), ("1,2", .list([1, 2])),
        ("None", .none), ("{'a': 1}", .dict(PyDict([("a", 1)]))), ("-3", .int(-3)), ("1j", "1j"), ("1+2j", "(1+2j)"),
        ("0x10", .int(16)), ("1_000", .int(1000)), ("...", "..."), ("'a' 'b'", "ab"), ("", ""), ("1e3", .float(1000)),
        ("(1)", .int(1)), ("()", .list([])), ("abc", "abc"), ("'unclosed", "'unclosed"),
    ] as [(String, Value)])
    func literal(_ text: String, _ expected: Value) {
        let got = INIInventoryParser.value(text)
        #expect(got == expected && got.pythonTypeName == expected.pythonTypeName, "\(text) -> \(got.pythonRepr)")
    }
}
