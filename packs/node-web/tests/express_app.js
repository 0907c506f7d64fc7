// Execution contexts of an Express service.
const express = require('express');
const { resetStale } = require('./jobs');

const app = express();
const router = express.Router();

// ppa-context: http_handler framework=express route=/jobs method=GET
async function listJobs(req, res) {
  res.json(await loadJobs());
}

// ppa-context: library hot=true                 called by listJobs
async function loadJobs() {
  return [];
}

// ppa-context: library hot=false                near miss: a middleware factory nobody routes to
function audit() {
  return (req, res, next) => next();
}

router.get('/jobs', listJobs);
// ppa-context: http_handler route=/jobs/reset method=POST
router.post('/jobs/reset', async (req, res) => {
  await resetStale(req.db);
  res.sendStatus(202);
});

// ppa-context: streaming streaming=true route=/events
app.get('/events', (req, res) => {
  res.setHeader('Content-Type', 'text/event-stream');
  res.flushHeaders();
});

// ppa-context-todo: http_handler route=/jobs/:id   `router.route(path).get(h)` chains are not read yet
function getJob(req, res) {
  res.json({});
}

router.route('/jobs/:id').get(getJob);

app.use('/api', router);

const cache = new Map();
// ppa-context: library                          near miss: `get` of a Map is not a route
function lookup(key) {
  return cache.get('jobs', key);
}

// ppa-context: init framework=express
app.listen(3000, () => {
  console.log('listening');
});
