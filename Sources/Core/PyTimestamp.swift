/// A YAML 1.1 timestamp as PyYAML constructs it: `datetime.date` when there is no time part,
/// else `datetime.datetime` with microseconds and an optional fixed UTC offset.
public struct PyTimestamp: Sendable, Hashable {
    public var year: Int, month: Int, day: Int
    public var hasTime: Bool
    public var hour = 0, minute = 0, second = 0, microsecond = 0
    /// Offset from UTC in minutes; nil for a naive datetime.
    public var utcOffsetMinutes: Int?

    public init(year: Int, month: Int, day: Int) {
        self.year = year; self.month = month; self.day = day; hasTime = false
    }

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int,
                microsecond: Int, utcOffsetMinutes: Int?) {
        self.year = year; self.month = month; self.day = day; hasTime = true
        self.hour = hour; self.minute = minute; self.second = second
        self.microsecond = microsecond; self.utcOffsetMinutes = utcOffsetMinutes
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Python's `str()`: `2001-12-14` or `2001-12-14 21:59:43.100000+00:00`.
    public var pythonString: String { isoFormat(separator: " ") }

    /// Python's `isoformat()`.
    public func isoFormat(separator: String = "T") -> String {
        var s = "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))"
        guard hasTime else { return s }
        s += "\(separator)\(Self.pad(hour, 2)):\(Self.pad(minute, 2)):\(Self.pad(second, 2))"
        if microsecond != 0 { s += "." + Self.pad(microsecond, 6) }
        if let off = utcOffsetMinutes {
            let sign = off < 0 ? "-" : "+"
            s += "\(sign)\(Self.pad(abs(off) / 60, 2)):\(Self.pad(abs(off) % 60, 2))"
        }
        return s
    }

    /// Python's `repr()`: `datetime.date(2002, 12, 14)` and friends.
    public var pythonRepr: String {
        guard hasTime else { return "datetime.date(\(year), \(month), \(day))" }
        var parts = [year, month, day, hour, minute].map(String.init)
        if second != 0 || microsecond != 0 { parts.append(String(second)) }
        if microsecond != 0 { parts.append(String(microsecond)) }
        var s = "datetime.datetime(" + parts.joined(separator: ", ")
        if let off = utcOffsetMinutes {
            s += off == 0 ? ", tzinfo=datetime.timezone.utc"
                : ", tzinfo=datetime.timezone(datetime.timedelta(seconds=\(off * 60)))"
        }
        return s + ")"
    }
}
