"""The standoff workbench (``standoff serve``): a local web application over the library.

Install with ``pip install "standoff[web]"``. :func:`create_app` builds the FastAPI
application; :mod:`standoff.web.library` turns library results into JSON documents;
:mod:`standoff.web.files` keeps every read and write inside the served folder;
:mod:`standoff.web.jobs` runs analyses in worker processes. See docs/workbench.md.
"""

from __future__ import annotations


def create_app(*args, **kwargs):
    """Build the application (see :func:`standoff.web.app.create_app`)."""
    from standoff.web.app import create_app as build

    return build(*args, **kwargs)


__all__ = ["create_app"]
