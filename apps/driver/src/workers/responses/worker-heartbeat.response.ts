import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { HeldTask, WorkerHeartbeat, WorkerMemory } from '@tusk/contracts';

// OpenAPI shapes of a worker's heartbeat: `implements` keeps them in step with the interfaces.

export class HeldTaskResponse implements HeldTask {
  @ApiProperty() jobId!: string;
  @ApiProperty({ example: 'train' }) kind!: string;
  @ApiProperty({ type: 'integer' }) round!: number;
  @ApiProperty({ type: 'integer' }) partition!: number;
  @ApiPropertyOptional() evaluationId?: string;
  @ApiProperty({ type: 'integer' }) seq!: number;
  @ApiProperty({ example: '7-1' }) attempt!: string;
}

export class WorkerMemoryResponse implements WorkerMemory {
  @ApiProperty({ type: 'integer' }) rssBytes!: number;
  @ApiProperty({ type: 'integer' }) heapUsedBytes!: number;
  @ApiProperty({ type: 'integer' }) tensorBytes!: number;
}

export class WorkerHeartbeatResponse implements WorkerHeartbeat {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'wasm' }) backend!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: 'integer' }) everyMs!: number;
  @ApiPropertyOptional({ type: 'integer' }) blockedMs?: number;
  @ApiProperty({ type: HeldTaskResponse, nullable: true }) currentTask!: HeldTaskResponse | null;
  @ApiProperty({ type: 'integer' }) tasksDone!: number;
  @ApiProperty() samplesPerSecond!: number;
  @ApiPropertyOptional({ type: [String] }) cachedPartitions?: string[];
  @ApiPropertyOptional({ type: WorkerMemoryResponse }) memory?: WorkerMemoryResponse;
}
