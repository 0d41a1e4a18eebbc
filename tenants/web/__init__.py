"""Program-site pages owned by tenants/: the public complaint pages (no sign-in), and the program
admin's policy settings and staff pages."""
