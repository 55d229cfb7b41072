"""The load balancer in front of the Rasa replicas: nginx, with a config written here.

One Python process uses one core, so `make run` starts a Rasa replica per core (at
most two by default) on 127.0.0.1 and puts nginx on the one public port:

- REST, SMS and the HTTP API go to the replica with the fewest requests in flight
  (least_conn); a replica that refuses connections is skipped (a POST that never
  reached it is safe to send on).
- The widget's socket.io traffic is sticky by client address (socket.io's polling
  transport keeps its session in the replica that opened it), with websocket upgrade.
- Bodies over 64 KB are refused (413) before they reach a replica, as the replicas
  refuse them.
- No access log, and only critical errors: nginx's error lines carry the request line,
  where an API token or a conversation id may sit.

nginx is Debian's package (`make nginx`); without it the launcher runs one replica on
the public port and says so.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterable, List, Optional

NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")
MAX_BODY = "64k"  # server/patches.py MAX_BODY_BYTES: the same limit at the door


def nginx_binary() -> Optional[str]:
    """nginx's path, or None when it is not installed."""
    for candidate in NGINX_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def _servers(ports: Iterable[int]) -> str:
    # a replica that fails is left out for 2 s, then tried again
    return "\n".join(
        f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;" for port in ports
    )


def nginx_config(public_port: int, replica_ports: List[int], run_dir: Path) -> str:
    """A complete nginx.conf: one worker, every file in `run_dir`, nothing logged but
    critical errors (to stderr, which the launcher keeps)."""
    temp = {
        name: run_dir / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")
    }
    servers = _servers(replica_ports)
    return f"""# Written by services/balancer.py at every start; edits here are lost.
worker_processes 1;
daemon off;
pid {run_dir / "nginx.pid"};
error_log stderr crit;
events {{ worker_connections 1024; }}

http {{
  access_log off;
  server_tokens off;
  client_body_temp_path {temp["body"]};
  proxy_temp_path {temp["proxy"]};
  fastcgi_temp_path {temp["fastcgi"]};
  uwsgi_temp_path {temp["uwsgi"]};
  scgi_temp_path {temp["scgi"]};
  client_max_body_size {MAX_BODY};
  client_body_buffer_size {MAX_BODY};

  upstream rasa {{
    least_conn;
{servers}
    keepalive 64;
  }}
  upstream rasa_sticky {{
    hash $remote_addr consistent;
{servers}
  }}
  map $http_upgrade $connection_upgrade {{
    default upgrade;
    "" "";
  }}

  server {{
    listen {public_port};
    proxy_http_version 1.1;
    proxy_next_upstream error timeout;
    proxy_connect_timeout 2s;
    proxy_read_timeout 120s;

    # proxy_set_header in a location replaces every inherited one: each location
    # sets all of its own. The Host the client used reaches the replica, which the
    # SMS channel's signature check needs (it signs the URL the client called).
    location /socket.io/ {{
      proxy_pass http://rasa_sticky;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_buffering off;
      proxy_read_timeout 1h;
    }}
    location / {{
      proxy_pass http://rasa;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header Connection "";
    }}
  }}
}}
"""


def write_config(public_port: int, replica_ports: List[int], run_dir: Path) -> Path:
    run_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = run_dir / "nginx.conf"
    path.write_text(nginx_config(public_port, replica_ports, run_dir))
    return path


def nginx_command(binary: str, config: Path) -> List[str]:
    """nginx in the foreground (daemon off in the config), so the launcher owns it."""
    return [binary, "-e", "stderr", "-p", str(config.parent), "-c", str(config)]
