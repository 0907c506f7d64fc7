// Background work: BullMQ, Bull, node-cron, Agenda.
import { Worker } from 'bullmq';
import Queue from 'bull';
import cron from 'node-cron';

// ppa-context: background framework=bullmq
async function sendEmail(job) {
  return job.data;
}

new Worker('emails', sendEmail);

const resize = new Queue('resize');
// ppa-context: background
resize.process(async (job) => job.data);

// ppa-context: background
cron.schedule('*/5 * * * *', () => {
  purge();
});

// ppa-context: library background=true          only the cron job calls it
function purge() {
  return null;
}
