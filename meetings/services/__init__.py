"""Changes to meetings, one module per stage of a meeting's life: planning, access, agenda,
papers, invitations, record and after. Each change is atomic and leaves an audit record;
each background task sits beside the code it runs."""
