"""The agent door: an MCP server endpoint (``/mcp``) on Reflow's local server (issue 19 item 5).

Any MCP-capable coding agent can list the open notebooks, read their cells, dataflow graph,
outputs, errors and variables, and add, edit, delete and run cells in the live notebook, the
page showing each change at once. Off unless the user turns on the ``mcp_server`` setting;
the same door rules as the page (token, Host, Origin, loopback). docs/mcp.md tells how to connect.

Why the SDK's ASGI app behind a tornado handler, and not an MCP transport written for tornado:
the official ``mcp`` SDK owns the protocol (JSON-RPC framing, version negotiation, the Streamable
HTTP rules, tool schemas and argument validation) and its session manager is a plain ASGI
callable, which a tornado request maps onto in a few lines (``asgi_bridge``). Mounting it keeps
one server, one port, one token and one set of access checks; a second (uvicorn) server would
need its own port and its own copy of the checks.

Modules: ``handler`` (the tornado endpoint and its checks), ``asgi_bridge`` (tornado request ->
ASGI), ``door`` (the SDK's lifetime, the setting), ``tools`` (what an agent may call),
``operations`` (changes sent as the page's own protocol messages), ``views`` (what it reads),
``address`` (where ``reflow mcp-url`` finds the running app's endpoint).
"""
