"""Security tooling: static analysis of the project's contracts (see docs/SECURITY.md)."""
