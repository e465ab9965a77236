const RECONNECT_MS = 2000;

/**
 * Reads a record, shows it, and unless it is final follows its event stream; when the stream ends (the
 * driver restarted, NATS away) it calls `again` after a pause, so the caller reads and follows anew.
 * Nothing is shown once `signal` aborts. Returns the cleanup for the pending pause.
 */
export function keepFollowing<R>({
  signal,
  load,
  isFinal,
  show,
  follow,
  onError,
  again,
}: {
  signal: AbortSignal;
  load: () => Promise<R>;
  isFinal: (record: R) => boolean;
  show: (record: R) => void;
  follow: () => Promise<void>;
  onError: (error: Error | null) => void;
  again: () => void;
}): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = async () => {
    try {
      const record = await load();
      if (signal.aborted) return;
      show(record);
      onError(null);
      if (isFinal(record)) return;
      await follow();
    } catch (err) {
      if (signal.aborted) return;
      onError(err as Error);
    }
    if (!signal.aborted) timer = setTimeout(again, RECONNECT_MS);
  };
  void run();
  return () => clearTimeout(timer);
}
