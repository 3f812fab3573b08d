"""An HTTP receiver for the post channel tests: Python's http.server on 127.0.0.1 (a free port),
keeping every POST (path, headers, body). `down = True` answers 503 and keeps nothing. With
`tls=(certfile, keyfile)` it serves HTTPS. Import with `sys.path.insert(0, <tests>/peers)`."""
import http.server
import ssl
import threading


class Receiver:
    def __init__(self, tls=None):
        self.posts, self.down = [], False
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if outer.down:
                    self.send_response(503)
                    self.end_headers()
                    return
                with outer.lock:
                    outer.posts.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"Success!")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
