import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Logger,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
  Query,
  Res,
  Sse,
  type MessageEvent,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, getSchemaPath } from '@nestjs/swagger';
import type { Response } from 'express';
import { Observable } from 'rxjs';
import {
  checkpointJsonKey,
  checkpointWeightsKey,
  eventSubject,
  FINAL_STATUSES,
  modelJsonKey,
  modelWeightsKey,
  type EvaluationRecord,
  type JobEvent,
  type JobLogLine,
  type JobRecord,
  type JobSummary,
} from '@tusk/contracts';
import { EventStream } from '../infra/event-stream.js';
import { CreateJobDto } from './dto/create-job.dto.js';
import { EvaluateDto, PredictDto } from './dto/evaluate.dto.js';
import { JobLogsQuery } from './dto/job-logs.query.js';
import { Evaluator } from './evaluator.js';
import { Predictor } from './predictor.js';
import { eventOf, progressOf } from './job-events.js';
import { JobLogs } from './job-logs.js';
import { ModelArtifacts } from './model-artifacts.js';
import { JobsService } from './jobs.service.js';
import { JobIdPipe } from './job-id.pipe.js';
import { summaryOf } from './job-summary.js';
import {
  EvaluationRecordResponse,
  JobDetailResponse,
  JobRecordResponse,
  JobSummaryResponse,
  ModelJsonResponse,
  PredictionsResponse,
} from './responses/job-record.response.js';
import { JobLogLineResponse } from './responses/job-log-line.response.js';

/** `:round` of a checkpoint route: 400 naming the parameter when it is not a whole number. */
const ROUND_PIPE = new ParseIntPipe({ exceptionFactory: () => new BadRequestException('round must be a whole number of rounds') });

const arrayOf = (model: new () => object) => ({ type: 'array', items: { $ref: getSchemaPath(model) } });

@ApiExtraModels(JobRecordResponse, JobSummaryResponse)
@Controller('jobs')
export class JobsController {
  private readonly logger = new Logger(JobsController.name);

  constructor(
    @Inject(JobsService) private readonly jobs: JobsService,
    @Inject(EventStream) private readonly eventStream: EventStream,
    @Inject(ModelArtifacts) private readonly artifacts: ModelArtifacts,
    @Inject(Evaluator) private readonly evaluator: Evaluator,
    @Inject(Predictor) private readonly predictor: Predictor,
    @Inject(JobLogs) private readonly logs: JobLogs,
  ) {}

  @ApiCreatedResponse({ type: JobRecordResponse })
  @Post()
  create(@Body() dto: CreateJobDto): Promise<JobRecord> {
    return this.jobs.create(dto);
  }

  /** Every job; `view=summary` leaves out histories (what a table refreshing every few seconds wants). */
  @Get()
  @ApiQuery({ name: 'view', enum: ['full', 'summary'], required: false })
  @ApiOkResponse({
    schema: { oneOf: [arrayOf(JobRecordResponse), arrayOf(JobSummaryResponse)] },
    description: 'full records, or summaries with view=summary',
  })
  async list(@Query('view') view = 'full'): Promise<JobRecord[] | JobSummary[]> {
    if (view !== 'full' && view !== 'summary') throw new BadRequestException('view must be one of: full, summary');
    const jobs = await this.jobs.list();
    return view === 'summary' ? jobs.map(summaryOf) : jobs;
  }

  /** The job record plus its progress (0..1) and an ETA from the mean round time. */
  @ApiOkResponse({ type: JobDetailResponse })
  @Get(':id')
  async get(@Param('id', JobIdPipe) id: string): Promise<JobRecord & { progress: number; etaSeconds: number | null }> {
    const job = await this.jobs.get(id);
    return { ...job, ...progressOf(job) };
  }

  @ApiOkResponse({ type: JobRecordResponse })
  @Delete(':id')
  cancel(@Param('id', JobIdPipe) id: string): Promise<JobRecord> {
    return this.jobs.cancel(id);
  }

  /** Goes on with a failed or cancelled synchronous job from its newest checkpoint (409 when it cannot). */
  @ApiOperation({ summary: 'resume a failed or cancelled job from its newest checkpoint' })
  @ApiOkResponse({ type: JobRecordResponse })
  @Post(':id/resume')
  @HttpCode(200)
  resume(@Param('id', JobIdPipe) id: string): Promise<JobRecord> {
    return this.jobs.resume(id);
  }

  /** Evaluates the trained model on a dataset, on the workers; waits for the metrics. */
  @ApiOkResponse({ type: EvaluationRecordResponse })
  @Post(':id/evaluate')
  @HttpCode(200)
  async evaluate(@Param('id', JobIdPipe) id: string, @Body() dto: EvaluateDto): Promise<EvaluationRecord> {
    await this.jobs.get(id);
    return this.evaluator.evaluate(id, dto);
  }

  /** Predictions for a small batch, answered by the driver from the saved model. */
  @ApiOkResponse({ type: PredictionsResponse })
  @Post(':id/predict')
  @HttpCode(200)
  async predict(@Param('id', JobIdPipe) id: string, @Body() dto: PredictDto): Promise<{ predictions: number[][] }> {
    const job = await this.jobs.get(id);
    if (!job.modelReady) throw new NotFoundException(`job ${id} has no model yet (status ${job.status})`);
    return { predictions: await this.predictor.predict(id, dto.instances) };
  }

  /** Live progress as server-sent events: the current state first, then every change until the job ends. */
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'server-sent events, each `data:` one JobEvent as JSON', schema: { type: 'string' } })
  @Sse(':id/events')
  async events(@Param('id', JobIdPipe) id: string): Promise<Observable<MessageEvent>> {
    await this.jobs.get(id);
    return new Observable<MessageEvent>((subscriber) => {
      // Subscribe before reading the record, so no event can fall between the two. A core subscription
      // outlives NATS reconnects; if NATS stays away the stream ends and the client reconnects or polls.
      const feed = this.eventStream.follow<JobEvent>(eventSubject(id));
      const follow = async () => {
        const job = await this.jobs.get(id);
        subscriber.next({ data: eventOf(job, 'status') });
        if (FINAL_STATUSES.includes(job.status)) return;
        for await (const event of feed) {
          subscriber.next({ data: event });
          if (FINAL_STATUSES.includes(event.status)) return;
        }
      };
      follow()
        .catch((err) => this.logger.warn(`events stream ended early: ${(err as Error).message}`, { jobId: id }))
        .finally(() => {
          feed.close();
          subscriber.complete();
        });
      return () => feed.close();
    });
  }

  /** The job's last log lines from the driver, workers and parameter servers, oldest first. */
  @Get(':id/logs')
  @ApiOperation({ summary: "The job's last log lines from every service (level log and above), oldest first" })
  @ApiOkResponse({ type: [JobLogLineResponse] })
  async jobLogs(@Param('id', JobIdPipe) id: string, @Query() query: JobLogsQuery): Promise<JobLogLine[]> {
    await this.jobs.get(id);
    return this.logs.last(id, { limit: query.limit, level: query.level });
  }

  /** The trained model's `model.json`; its weights manifest points at `model/weights.bin` beside it. */
  @ApiProduces('application/json')
  @ApiOkResponse({ type: ModelJsonResponse, description: 'tfjs model.json; its weights manifest points at model/weights.bin' })
  @Get([':id/model', ':id/model/model.json'])
  async modelJson(@Param('id', JobIdPipe) id: string, @Res() res: Response): Promise<void> {
    res.type('application/json').send(Buffer.from(await this.artifact(id, modelJsonKey(id))));
  }

  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' }, description: 'the weights, little-endian float32' })
  @Get(':id/model/weights.bin')
  async modelWeights(@Param('id', JobIdPipe) id: string, @Res() res: Response): Promise<void> {
    res.type('application/octet-stream').send(Buffer.from(await this.artifact(id, modelWeightsKey(id))));
  }

  /** A kept checkpoint's `model.json`; its weights manifest points at `weights.bin` beside it. */
  @ApiProduces('application/json')
  @ApiOkResponse({ type: ModelJsonResponse, description: 'tfjs model.json of the weights after that round' })
  @Get(':id/checkpoints/:round/model.json')
  async checkpointJson(@Param('id', JobIdPipe) id: string, @Param('round', ROUND_PIPE) round: number, @Res() res: Response): Promise<void> {
    await this.keptCheckpoint(id, round);
    res.type('application/json').send(Buffer.from(await this.artifacts.read(id, checkpointJsonKey(id, round))));
  }

  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' }, description: 'the weights after that round, little-endian float32' })
  @Get(':id/checkpoints/:round/weights.bin')
  async checkpointWeights(
    @Param('id', JobIdPipe) id: string,
    @Param('round', ROUND_PIPE) round: number,
    @Res() res: Response,
  ): Promise<void> {
    await this.keptCheckpoint(id, round);
    res.type('application/octet-stream').send(Buffer.from(await this.artifacts.read(id, checkpointWeightsKey(id, round))));
  }

  private async keptCheckpoint(id: string, round: number): Promise<void> {
    const job = await this.jobs.get(id);
    if (!job.checkpoints?.some((c) => c.round === round)) throw new NotFoundException(`job ${id} keeps no checkpoint of round ${round}`);
  }

  private async artifact(id: string, key: string): Promise<Uint8Array> {
    const job = await this.jobs.get(id);
    if (!job.modelReady) throw new NotFoundException(`job ${id} has no model yet (status ${job.status})`);
    return this.artifacts.read(id, key);
  }
}
