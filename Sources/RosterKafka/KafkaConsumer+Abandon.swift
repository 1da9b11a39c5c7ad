import Dispatch
import Logging
import Synchronization

extension KafkaConsumer {
    /// For tests of crash behaviour only: stops serving the consumer as if its process had died.
    ///
    /// Later calls throw ``KafkaError/Code/closed``, and when the consumer is deinitialised its
    /// librdkafka handle is destroyed **without** leaving the group, so the group keeps this
    /// member's partitions until its session times out (about 2 × session timeout on the mock
    /// cluster). Drop every reference right after calling this; until then librdkafka keeps
    /// heartbeating in the background.
    @_spi(Testing) public func abandonWithoutLeavingGroup() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.lifecycle.withLock { $0 = .closed }
                self.handle.skipConsumerCloseOnDestroy()
                // Never assigned, its destroy would abort (librdkafka#4312): kept, it heartbeats on.
                if self.destroyWouldAbort { self.handle.leaveUndestroyed() }
                self.rebalance.finish()
                self.logger.warning("consumer abandoned without leaving the group (testing)")
                continuation.resume()
            }
        }
    }
}
