/// The fields of `/proc/self/stat` the process metrics need (proc(5)).
struct ProcStat: Equatable {
    var userTicks: UInt64
    var systemTicks: UInt64
    var startTicks: UInt64
    var virtualBytes: UInt64
    var residentPages: UInt64
}

extension ProcStat {
    /// The command name (field 2) is parenthesised and may hold spaces or parentheses, so
    /// fields are counted from the last `)`.
    init?(parsing text: String) {
        guard let close = text.lastIndex(of: ")") else { return nil }
        // After the name, fields start at 3 (state); field n is at index n - 3.
        let fields = text[text.index(after: close)...].split(separator: " ")
        func field(_ n: Int) -> UInt64? { fields.count > n - 3 ? UInt64(fields[n - 3]) : nil }
        guard let utime = field(14), let stime = field(15), let start = field(22), let vsize = field(23),
            let rss = field(24)
        else { return nil }
        userTicks = utime
        systemTicks = stime
        startTicks = start
        virtualBytes = vsize
        residentPages = rss
    }

    /// `btime` from /proc/stat: boot time in seconds since the epoch.
    static func bootTime(inProcStat text: String) -> UInt64? {
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return UInt64(line.dropFirst("btime ".count).trimmingWhitespace())
        }
        return nil
    }
}
