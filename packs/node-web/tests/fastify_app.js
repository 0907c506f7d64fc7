// A Fastify service.
import Fastify from 'fastify';

const fastify = Fastify();

// ppa-context: http_handler framework=fastify route=/jobs method=GET
async function listJobs(request, reply) {
  return [];
}

fastify.route({ method: 'GET', url: '/jobs', handler: listJobs });

// ppa-context: streaming streaming=true route=/tail method=GET
fastify.get('/tail', async (request, reply) => {
  reply.raw.write('data: 1\n\n');
});
