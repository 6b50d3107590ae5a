// Accept-and-discard SMTP server used as the upstream relay when Postfix's smtp-sink is not
// installed (CI, the smoke test). Speaks enough ESMTP for nodemailer and Postfix's smtp client,
// PIPELINING included, and prints its counter the way `smtp-sink -c` does: `\rmesg=N`.
// Usage: node --import tsx bench/lib/node-sink.ts PORT
import net from "node:net";

const port = Number(process.argv[2]);
let messages = 0;
let printed = -1;

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  socket.setEncoding("latin1");
  let buffer = "";
  let inData = false;
  const say = (text: string) => socket.write(`${text}\r\n`);
  say("220 node-sink.bench.invalid ESMTP");
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    const out: string[] = [];
    let i = buffer.indexOf("\r\n");
    while (i >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      if (inData) {
        if (line === ".") {
          inData = false;
          messages++;
          out.push("250 2.0.0 Ok: queued");
        }
      } else {
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO") out.push("250-node-sink", "250-PIPELINING", "250-8BITMIME", "250 OK");
        else if (verb === "DATA") {
          inData = true;
          out.push("354 End data with <CR><LF>.<CR><LF>");
        } else if (verb === "QUIT") {
          out.push("221 Bye");
          socket.end(`${out.join("\r\n")}\r\n`);
          return;
        } else out.push("250 OK");
      }
      i = buffer.indexOf("\r\n");
    }
    if (out.length > 0) socket.write(`${out.join("\r\n")}\r\n`);
  });
  socket.on("error", () => socket.destroy());
});

server.listen(port, "127.0.0.1");
setInterval(() => {
  if (messages !== printed) {
    printed = messages;
    process.stdout.write(`\rmesg=${messages}`);
  }
}, 20);
process.on("SIGTERM", () => process.exit(0));
