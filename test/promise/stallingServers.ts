/**
 * Servers that stall a request in the ways a real one can, on raw sockets: they accept the
 * connection and then never answer, answer a byte at a time, or never read the body.
 */
import * as net from "node:net"

export interface StallingServer {
  readonly url: string
  readonly close: () => Promise<void>
}

/** What the server does with each connection. */
export type Stall = "neverAnswers" | "slowHeaders" | "slowBody" | "neverReads"

const DRIP_MILLIS = 200

export const startStalling = (stall: Stall): Promise<StallingServer> =>
  new Promise((resolve, reject) => {
    const sockets = new Set<net.Socket>()
    const timers = new Set<ReturnType<typeof setInterval>>()
    const drip = (socket: net.Socket, head: string, byte: string) => {
      socket.write(head)
      const timer = setInterval(() => socket.write(byte), DRIP_MILLIS)
      timers.add(timer)
      socket.on("close", () => {
        clearInterval(timer)
        timers.delete(timer)
      })
    }
    const server = net.createServer((socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
      socket.on("error", () => {})
      switch (stall) {
        case "neverReads":
          socket.pause()
          return
        case "neverAnswers":
          socket.resume()
          return
        case "slowHeaders":
          socket.once("data", () => drip(socket, "HTTP/1.1 200 OK\r\nX-Slow: ", "a"))
          socket.resume()
          return
        case "slowBody":
          socket.once("data", () => drip(socket, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n", "a"))
          socket.resume()
          return
      }
    })
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      if (address === null || typeof address === "string") return reject(new Error("no TCP address"))
      resolve({
        url: `http://127.0.0.1:${address.port}`,
        close: () =>
          new Promise((done) => {
            for (const timer of timers) clearInterval(timer)
            for (const socket of sockets) socket.destroy()
            server.close(() => done())
          })
      })
    })
  })
