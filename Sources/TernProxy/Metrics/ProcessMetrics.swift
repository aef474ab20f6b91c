#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Process metrics with the names every Prometheus client uses, read from /proc at scrape
/// time (nothing is sampled in the background). Off Linux it renders nothing.
public struct ProcessMetrics: MetricSource {
    public init() {}

    public func render(into out: inout String) {
        #if os(Linux)
        guard let stat = ProcFiles.contents(of: "/proc/self/stat").flatMap(ProcStat.init(parsing:)) else { return }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        guard ticks > 0, pageSize > 0 else { return }
        Self.gauge(
            "process_cpu_seconds_total", type: "counter", help: "Total user and system CPU time spent in seconds.",
            value: Double(stat.userTicks + stat.systemTicks) / ticks, into: &out)
        Self.gauge(
            "process_resident_memory_bytes", help: "Resident memory size in bytes.",
            value: Double(stat.residentPages) * pageSize, into: &out)
        Self.gauge(
            "process_virtual_memory_bytes", help: "Virtual memory size in bytes.",
            value: Double(stat.virtualBytes), into: &out)
        if let bootTime = ProcFiles.contents(of: "/proc/stat").flatMap(ProcStat.bootTime(inProcStat:)) {
            Self.gauge(
                "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.",
                value: (Double(bootTime) + Double(stat.startTicks) / ticks).rounded(.down), into: &out)
        }
        if let fds = ProcFiles.countEntries("/proc/self/fd") {
            // The directory listing includes the descriptor opened to read it.
            Self.gauge("process_open_fds", help: "Number of open file descriptors.", value: Double(max(0, fds - 1)), into: &out)
        }
        #endif
    }

    private static func gauge(_ name: String, type: String = "gauge", help: String, value: Double, into out: inout String) {
        PrometheusText.header(name: name, help: help, type: type, into: &out)
        PrometheusText.sample(name: name, labels: "", value: PrometheusText.format(value), into: &out)
    }
}
