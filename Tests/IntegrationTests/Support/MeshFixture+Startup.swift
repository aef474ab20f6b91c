import Foundation

/// A mesh whose startup failed. Everything the startup had started was stopped and its
/// directory removed before this was thrown; `dir` and `processIdentifiers` say what that was,
/// so a test can check that nothing of it outlived the failure.
struct MeshStartupError: Error, CustomStringConvertible {
    let dir: String
    let processIdentifiers: [Int32]
    let underlying: any Error

    var description: String { "mesh startup failed (everything it started is stopped): \(underlying)" }
}

extension MeshFixture {
    /// Makes a mesh and runs `startup` on it (controller, proxies, whatever the topology
    /// needs). The caller owns the result and stops the mesh when done with it; if `startup`
    /// throws, no one could, so the mesh is stopped here before the error goes on.
    static func start<T>(host: String = "127.0.0.1", _ startup: (MeshFixture) async throws -> T) async throws -> T {
        let mesh = try await MeshFixture(host: host)
        do {
            return try await startup(mesh)
        } catch {
            let started = mesh.processIdentifiers
            await mesh.stop()
            throw MeshStartupError(dir: mesh.dir, processIdentifiers: started, underlying: error)
        }
    }

    /// Runs `body` and then stops the mesh, whether `body` returned or threw.
    func stopping<T>(after body: () async throws -> T) async throws -> T {
        do {
            let result = try await body()
            await stop()
            return result
        } catch {
            await stop()
            throw error
        }
    }
}
