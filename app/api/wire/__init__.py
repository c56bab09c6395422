"""The wire formats of the JavaScript chat clients, from one protocol-neutral run narrative."""
