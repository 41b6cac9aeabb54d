// A reverse proxy in front of the floorwalk binary that rewrites response headers (to
// add a CSP report address to the server's own policy): HTTP requests, streams (SSE)
// and websocket upgrades (/sync) pass through unchanged. CSP reports posted to
// /csp-report are kept for the test.
import http from 'node:http'
import net from 'node:net'

export const REPORT_PATH = '/csp-report'

/**
 * Listens on 127.0.0.1 (port 0) and forwards to `upstream`; `rewrite(headers)` returns
 * the headers to set on each response, given the server's. Returns { url, reports, close }.
 */
export async function headerProxy(upstream, rewrite) {
  const up = new URL(upstream)
  const reports = []
  const upgraded = new Set()
  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === REPORT_PATH) {
      let body = ''
      req.on('data', (d) => (body += d))
      req.on('end', () => {
        try {
          reports.push(JSON.parse(body))
        } catch {
          reports.push({ unparsed: body })
        }
        res.writeHead(204).end()
      })
      return
    }
    const forward = http.request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, { ...r.headers, ...rewrite(r.headers) })
      r.pipe(res)
    })
    forward.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(`proxy: ${e.message}`)
    })
    req.pipe(forward)
  })
  // Websockets: replay the upgrade request to the server, then pipe the raw sockets.
  server.on('upgrade', (req, socket, head) => {
    const target = net.connect(Number(up.port), up.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`]
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`)
      target.write(`${lines.join('\r\n')}\r\n\r\n`)
      if (head.length) target.write(head)
      target.pipe(socket)
      socket.pipe(target)
    })
    const drop = () => {
      target.destroy()
      socket.destroy()
      upgraded.delete(drop)
    }
    upgraded.add(drop)
    socket.on('close', drop)
    target.on('error', drop)
    socket.on('error', drop)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  return {
    url: `http://127.0.0.1:${port}`,
    reports,
    close: () =>
      new Promise((resolve) => {
        for (const drop of [...upgraded]) drop()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
