// Helpers the routes call.

// ppa-context: library hot=true                 through a relative require
async function resetStale(db) {
  for (const id of await staleIds(db)) {
    await db.query('UPDATE jobs SET state = $1 WHERE id = $2', ['queued', id]);
  }
}

// ppa-context: library hot=true
async function staleIds(db) {
  return db.query('SELECT id FROM jobs');
}

module.exports = { resetStale };
