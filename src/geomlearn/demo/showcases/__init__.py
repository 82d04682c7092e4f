"""Showcases of the geomlearn tour, one module per topic.

Each module registers its functions with :func:`geomlearn.demo.showcase`;
:func:`geomlearn.demo.registered_showcases` imports all of them.
"""
