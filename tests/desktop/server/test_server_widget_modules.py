"""An anywidget's front-end module is served to its page from /s/SESSION/widget-esm/MODEL.js
(so the page's CSP stays ``script-src 'self'``): only code a live model holds, only for a
notebook trusted to run, only with the launch credentials."""

from __future__ import annotations

from helpers import http_get as get

from reflow_desktop.trust.check import TrustState

ESM = "export default { render({ el }) { el.textContent = 'hi'; } };"


def module_url(server, session, model: str, token: bool = True) -> str:
    query = f"?token={server.token}" if token else ""
    return f"http://127.0.0.1:{server.port}/s/{session.id}/widget-esm/{model}.js{query}"


async def test_module_code_is_served_for_live_models_of_trusted_notebooks_only(server, nb_path, open_page):
    session, _client, _hello = await open_page(nb_path, autosave_delay=None)
    try:
        state = {"_model_name": "AnyModel", "_model_module": "anywidget", "_esm": ESM}
        content = {"comm_id": "abc123", "target_name": "jupyter.widget", "data": {"state": state, "buffer_paths": []}}
        session.widgets.from_kernel("comm_open", content, [])

        code, headers, body = await get(module_url(server, session, "abc123"))
        assert code == 200 and body.decode() == ESM
        assert headers["Content-Type"].startswith("text/javascript")
        script_src = headers["Content-Security-Policy"].split("script-src", 1)[1].split(";", 1)[0]
        assert "blob:" not in script_src and "data:" not in script_src and "'unsafe-" not in script_src

        assert (await get(module_url(server, session, "unknown")))[0] == 404
        assert (await get(module_url(server, session, "abc123", token=False)))[0] == 403
        session.trust.state = TrustState("untrusted")
        assert (await get(module_url(server, session, "abc123")))[0] == 404
    finally:
        await session.close()
