// Mixed-client convergence: several y-websocket and y-socket.io providers (and the
// test's own Python client) edit one document at once; every replica converges.
//
// config: {port, doc, clients: [{kind, name, token}], edits, seed, maxJitterMs,
//          expectNames: [...all awareness names, Python's too], stepTimeoutMs, deadlineMs}
// stdout: ready -> edited -> converged {clients: [summary...]} ; stdin: go, settle {stateVector}, bye

import {
  run, emit, command, connectAll, untilEveryoneSees, randomEdits, rng, untilCovered,
  mergeClocks, decodeStateVectorB64, Y
} from './lib.mjs'

run(async (config) => {
  const step = config.stepTimeoutMs
  const clients = connectAll(config.clients, { port: config.port, doc: config.doc })
  await Promise.all(clients.map((c) => c.whenSynced(step)))
  await untilEveryoneSees(clients, config.expectNames, step)
  emit('ready', { clientIDs: Object.fromEntries(clients.map((c) => [c.name, c.doc.clientID])) })

  await command('go')
  await Promise.all(clients.map((c, i) =>
    randomEdits(c, config.edits, rng(config.seed * 1000 + i), config.maxJitterMs)))
  emit('edited')

  // The test sends the Python client's state vector once its edits are durable.
  // Every Node replica must then hold every client's final clock, and all agree.
  const settle = await command('settle')
  const target = mergeClocks([decodeStateVectorB64(settle.stateVector), ...clients.map((c) => c.clocks)])
  await untilCovered(clients, target, step, 'every replica to hold every client\'s edits')
  const svs = clients.map((c) => Buffer.from(Y.encodeStateVector(c.doc)).toString('base64'))
  const texts = clients.map((c) => c.text)
  if (new Set(svs).size !== 1 || new Set(texts).size !== 1) {
    throw new Error(`replicas hold the same clocks but differ: ${JSON.stringify(texts)}`)
  }
  emit('converged', { clients: clients.map((c) => c.summary()) })

  await command('bye')
  clients.forEach((c) => c.destroy())
})
