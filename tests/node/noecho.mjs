// No echo: a client alone on its document (one per transport, each on its own
// document) edits; the server must send none of it back. Then a witness (the
// test's Python client) joins and edits once: that update travels the same
// broadcast path after the lone client's, so any echo would arrive before it.
//
// config: {port, clients: [{kind, name, token, doc}], edits, seed, maxJitterMs,
//          stepTimeoutMs, deadlineMs}
// stdout: edited {clients: [summary + before]} -> done {clients: [summary]}
// stdin: witnessed, bye

import { run, emit, command, Client, randomEdits, rng, until } from './lib.mjs'

run(async (config) => {
  const step = config.stepTimeoutMs
  const clients = config.clients.map((spec) => new Client({ port: config.port, ...spec }))
  await Promise.all(clients.map((c) => c.whenSynced(step)))
  // Both providers first ask the server for its state: have that answer in before
  // counting, so only what the server sends afterwards is counted.
  await Promise.all(clients.map((c) => c.roundTrip(step)))
  const before = clients.map((c) => ({ received: { ...c.received }, remoteUpdates: c.remoteUpdates }))
  await Promise.all(clients.map((c, i) =>
    randomEdits(c, config.edits, rng(config.seed * 1000 + i), config.maxJitterMs)))
  await Promise.all(clients.map((c) => c.roundTrip(step)))
  emit('edited', { clients: clients.map((c, i) => ({ ...c.summary(), before: before[i] })) })

  await command('witnessed')
  await until(
    clients.map((c) => [c.doc, 'update']),
    () => clients.every((c) => c.text.includes('<witness>')),
    step,
    'the witness\'s edit',
    () => clients.map((c) => `${c.name}: ${c.text.length} chars`).join('; ')
  )
  emit('done', { clients: clients.map((c) => c.summary()) })
  await command('bye')
  clients.forEach((c) => c.destroy())
})
