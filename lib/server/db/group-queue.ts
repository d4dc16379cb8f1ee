/**
 * Calls to the database that arrive while earlier ones are still in it wait and go together in the
 * next one (group commit): one statement and one round trip for all of them. No timer and no added
 * wait: a call goes at once while fewer than `maxInFlight` batches are in the database, so one caller
 * at a time sees its own call as before. Used by ingest (lib/server/store/ingest-batch.ts) and by the
 * shared rate limit's token checks (lib/server/http/rate-limit.ts).
 *
 * `take` picks the next batch from the waiting items and removes it from the array it is given;
 * `send` makes the call and answers each item of its batch. Should `send` throw, every item of the
 * batch is rejected with the error (an item it already answered keeps its answer), so none waits
 * forever, and the queue goes on with the next batch.
 */
export interface Waiting {
  reject: (e: unknown) => void;
}

export class GroupQueue<T extends Waiting> {
  private readonly waiting: T[] = [];
  private inFlight = 0;

  constructor(private readonly o: { maxInFlight: number; take: (waiting: T[]) => T[]; send: (batch: T[]) => Promise<void> }) {}

  push(item: T): void {
    this.waiting.push(item);
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.o.maxInFlight && this.waiting.length > 0) {
      const batch = this.o.take(this.waiting);
      if (batch.length === 0) throw new Error("GroupQueue: take() must take at least one waiting item");
      this.inFlight++;
      // Sent at once (not a microtask later): a caller alone sees its call leave as it asks.
      let sent: Promise<void>;
      try {
        sent = this.o.send(batch);
      } catch (e) {
        sent = Promise.reject(e);
      }
      const done = () => {
        this.inFlight--;
        this.pump();
      };
      void sent.then(done, (e: unknown) => {
        for (const p of batch) p.reject(e);
        done();
      });
    }
  }
}
