"""Chain clients: contract loading, deployment, the registry, trainer handles, contribution history
and revert explanations. Everything here talks to a connected Ape provider.
"""
