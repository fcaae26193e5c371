import LeadRouterCore
import LeadRouterStorage
import LeadRouterWire
import NIOCore

/// `Backup`: a consistent copy of the database while the server serves. A scan on a queue of its
/// own: a gigabyte takes seconds to copy, which no call or other scan should wait for.
enum BackupCalls {
    static let backup: ScanMethod = { call in
        let request = try Leadrouter_V1_BackupRequest(payload: call.payload)
        guard let store = call.server.journal?.store else {
            throw RPCError(
                .failedPrecondition, "this server keeps no data folder (in-memory mode), so there is nothing to back up"
            )
        }
        // The folder is on the server's host, and a relative one would be relative to wherever the
        // server was started: the caller could not know where the copy went.
        guard request.folder.hasPrefix("/") else {
            throw RPCError(
                .invalidArgument,
                "folder must be an absolute path on the server's host, not '\(request.folder)'")
        }
        return {
            let backup: JournalStore.Backup
            do {
                backup = try store.backup(into: request.folder)
            } catch let error as JournalStore.BackupExists {
                throw RPCError(.alreadyExists, error.description)
            } catch let error as StorageError {
                throw RPCError(.failedPrecondition, error.message)
            }
            var reply = Leadrouter_V1_BackupReply()
            reply.file = backup.file
            reply.bytes = backup.bytes
            reply.lastSeq = backup.lastSeq
            return reply.payload()
        }
    }
}
