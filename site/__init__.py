"""Project configuration and the shared kernel, installed as ``portal_site``.

The folder is called ``site/`` but Python's standard library owns the import name
``site``; ``pyproject.toml`` maps this folder to the package ``portal_site``.
"""
