/** Headers of a push request on `tusk.ps.<job>.push`; the body is the raw float32 delta (or empty with a blob key). */
export const PUSH_HEADERS = {
  baseVersion: 'Tusk-Base-Version',
  workerId: 'Tusk-Worker',
  /** Set when the delta was too large for one message and waits in the weights bucket under this key. */
  deltaKey: 'Tusk-Delta-Key',
} as const;

/** The parameter server's answer to a push. */
export interface PushReply {
  accepted: boolean;
  /** The newest weights version after this push (or now, if rejected). */
  version: number;
  staleness: number;
  /** Multiplier the delta was applied with (1 unless scaled down for staleness). */
  scale: number;
  error?: string;
}

/** `h.<job>`: which weights version is the newest, for asynchronous and hogwild jobs. */
export interface WeightsHead {
  version: number;
  /** Blob key of that version: unique per writer, so a writer that loses the race never touches the winner's blob. */
  key: string;
}
