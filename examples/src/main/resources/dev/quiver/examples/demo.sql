-- Quiver functions registered by the examples jar.
SHOW USER FUNCTIONS;
