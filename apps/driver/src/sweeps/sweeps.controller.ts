import { Body, Controller, Delete, Get, Inject, Logger, Param, Post, Sse, type MessageEvent } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import { Observable } from 'rxjs';
import { sweepEventSubject, type SweepEvent, type SweepRecord } from '@tusk/contracts';
import { EventStream } from '../infra/event-stream.js';
import { CreateSweepDto } from './dto/create-sweep.dto.js';
import { SweepIdPipe } from './sweep-id.pipe.js';
import { SweepsService } from './sweeps.service.js';
import { SweepRecordResponse } from './responses/sweep-record.response.js';

@Controller('sweeps')
export class SweepsController {
  private readonly logger = new Logger(SweepsController.name);

  constructor(
    @Inject(SweepsService) private readonly sweeps: SweepsService,
    @Inject(EventStream) private readonly eventStream: EventStream,
  ) {}

  @ApiCreatedResponse({ type: SweepRecordResponse })
  @Post()
  @ApiOperation({ summary: 'Start a hyperparameter sweep: trials are jobs on the shared workers, ASHA stops weak ones' })
  create(@Body() dto: CreateSweepDto): Promise<SweepRecord> {
    return this.sweeps.create(dto);
  }

  @ApiOkResponse({ type: [SweepRecordResponse] })
  @Get()
  list(): Promise<SweepRecord[]> {
    return this.sweeps.list();
  }

  /** The sweep and its leaderboard (`trials`: params, status, best metric, rounds run, rungs). */
  @ApiOkResponse({ type: SweepRecordResponse })
  @Get(':id')
  get(@Param('id', SweepIdPipe) id: string): Promise<SweepRecord> {
    return this.sweeps.get(id);
  }

  @ApiOkResponse({ type: SweepRecordResponse })
  @Delete(':id')
  cancel(@Param('id', SweepIdPipe) id: string): Promise<SweepRecord> {
    return this.sweeps.cancel(id);
  }

  /** The leaderboard as server-sent events: the current state first, then every change until the sweep ends. */
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'server-sent events, each `data:` one SweepEvent (the leaderboard) as JSON', schema: { type: 'string' } })
  @Sse(':id/events')
  async events(@Param('id', SweepIdPipe) id: string): Promise<Observable<MessageEvent>> {
    await this.sweeps.get(id);
    return new Observable<MessageEvent>((subscriber) => {
      // Subscribe before reading the record, so no change can fall between the two.
      const feed = this.eventStream.follow<SweepEvent>(sweepEventSubject(id));
      const follow = async () => {
        const sweep = await this.sweeps.get(id);
        subscriber.next({ data: { sweepId: id, type: 'status', sweep, at: new Date().toISOString() } satisfies SweepEvent });
        if (sweep.status !== 'running') return;
        for await (const event of feed) {
          subscriber.next({ data: event });
          if (event.sweep.status !== 'running') return;
        }
      };
      follow()
        .catch((err) => this.logger.warn(`events of sweep ${id}: stream ended early: ${(err as Error).message}`))
        .finally(() => {
          feed.close();
          subscriber.complete();
        });
      return () => feed.close();
    });
  }
}
