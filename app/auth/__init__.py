"""Signing in to the networks with the body's own developer apps (issue 3).

* :mod:`app.auth.loopback`: the one-use listener on 127.0.0.1 the browser returns to;
* :mod:`app.auth.providers`: what each sign-in provider (Meta, X, LinkedIn, Google)
  needs: authorize URL, code exchange, refresh, and how its errors look;
* :mod:`app.auth.apps`: the developer apps (client ID in the settings, secret in the
  keyring) and the in-app guide of each network;
* :mod:`app.auth.grants`: how the tokens of one sign-in are kept in the keyring;
* :mod:`app.auth.flow`: :class:`~app.auth.flow.SignInFlow`, used by the window and the
  command line alike.

Contract: shared docs/platforms.md, the "Auth" part of each network's section.
"""
