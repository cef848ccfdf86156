"""Colander schemas, one module per area; every form schema inherits CSRFSchema."""
