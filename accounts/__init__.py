"""The registry of City social media accounts and of who may operate them."""
