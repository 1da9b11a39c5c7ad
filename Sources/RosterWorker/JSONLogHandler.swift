import Foundation
import Logging
import RosterCore

/// One JSON object per line on standard error: `time`, `level`, `label`, `message`, metadata.
public struct JSONLogHandler: LogHandler {
    /// Metadata on every line of this handler; the task's context and the line's own override it.
    public var metadata: Logger.Metadata = [:]
    /// Lines below this level are dropped (default `info`).
    public var logLevel: Logger.Level = .info
    /// Metadata read at each line, such as ``RosterLogging/context``.
    public var metadataProvider: Logger.MetadataProvider?
    let label: String

    /// A handler writing lines with `label` (the logger's label).
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    /// One key of ``metadata``.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes the line as one JSON object; metadata keys named `time`, `level`, `label` or
    /// `message` are dropped rather than replace those fields.
    public func log(event: LogEvent) {
        var object: [String: JSONValue] = [
            "time": .string(Timestamp(secondsSince1970: Date().timeIntervalSince1970).rfc3339),
            "level": .string(event.level.rawValue),
            "label": .string(label),
            "message": .string(event.message.description),
        ]
        // The handler's own, then the task's context, then the line's: the most specific wins.
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        for (key, value) in merged where object[key] == nil {
            object[key] = Self.json(value)
        }
        FileHandle.standardError.write(Data((JSONValue.object(object).serialized + "\n").utf8))
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let s): .string(s)
        case .stringConvertible(let c): .string(c.description)
        case .array(let items): .array(items.map(json))
        case .dictionary(let d): .object(d.mapValues(json))
        }
    }
}
