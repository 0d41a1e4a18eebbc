def current_program(request):
    return {
        "program": getattr(request, "program", None),
        "program_role": getattr(request, "program_role", None),
    }
