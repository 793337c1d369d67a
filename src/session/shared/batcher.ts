import type { HubMessage, StreamItem } from './wire.js';

/**
 * Batches the leader's stream messages for the BroadcastChannel: each `postMessage` costs a
 * structured clone and a hop through the browser process, which for small messages costs far more
 * than the message, so the ones that arrive within one task go out as one post. The batch is
 * flushed by a MessageChannel task, which queues behind the socket messages already waiting: under
 * a burst a batch takes in what arrived meanwhile, when idle it adds one task hop (well under a
 * millisecond). Any other message flushes the batch first, so the order of the channel holds.
 */
export class StreamBatcher {
  private items: StreamItem[] = [];
  private hub = '';
  private scheduled = false;
  private readonly flushChannel = new MessageChannel();

  constructor(private readonly post: (message: HubMessage) => void) {
    this.flushChannel.port1.onmessage = () => {
      this.scheduled = false;
      this.flush();
    };
  }

  /** Queues one stream message of hub `hub`. */
  add(hub: string, item: StreamItem): void {
    if (this.items.length > 0 && hub !== this.hub) this.flush();
    this.hub = hub;
    this.items.push(item);
    if (!this.scheduled) {
      this.scheduled = true;
      this.flushChannel.port2.postMessage(undefined);
    }
  }

  /** Posts what is queued, if anything. */
  flush(): void {
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    this.post({ t: 'msgs', hub: this.hub, items });
  }

  /** Flushes and stops the flush channel. */
  close(): void {
    this.flush();
    this.flushChannel.port1.close();
    this.flushChannel.port2.close();
  }
}
