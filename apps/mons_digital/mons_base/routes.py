"Web routes of the portal and of the OpenAPI description."
