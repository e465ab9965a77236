/** A worker's heartbeat in the `tusk-workers` KV bucket (expires with the bucket's TTL). */
export interface WorkerHeartbeat {
  id: string;
  backend: string;
  startedAt: string;
  updatedAt: string;
  currentTask: { jobId: string; kind: string; round: number; partition: number } | null;
  tasksDone: number;
  samplesPerSecond: number;
}
