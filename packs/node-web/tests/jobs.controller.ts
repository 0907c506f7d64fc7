// A NestJS controller, scheduler, queue processor and gateway.
import { Controller, Get, Post, Sse, OnModuleInit } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { JobsService } from './jobs.service';

@Controller('jobs')
export class JobsController implements OnModuleInit {
  constructor(private readonly jobs: JobsService) {}

  // ppa-context: http_handler framework=nestjs route=/jobs/:id method=GET
  @Get(':id')
  async find(id: string) {
    return this.jobs.findOne(id);
  }

  // ppa-context: http_handler route=/jobs method=POST
  @Post()
  async create() {
    return this.jobs.create();
  }

  // ppa-context: streaming streaming=true route=/jobs/events
  @Sse('events')
  events() {
    return null;
  }

  // ppa-context: init framework=nestjs
  async onModuleInit() {
    await this.jobs.warm();
  }

  // ppa-context: library hot=false              near miss: not decorated
  describe() {
    return 'jobs';
  }
}

export class Janitor {
  // ppa-context: background framework=nestjs
  @Cron('0 3 * * *')
  async purge() {
    return null;
  }
}

@WebSocketGateway()
export class JobsGateway {
  // ppa-context: streaming websocket=true
  @SubscribeMessage('subscribe')
  handleSubscribe() {
    return null;
  }
}
