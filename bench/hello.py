"""The bare baseline: a hello-world WSGI app, served on the same waitress settings as cs_handbook."""


def app(environ, start_response):
    body = b"Hello, world!\n"
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]
