"""The meetings pages that the top-level browser and accessibility tests walk, stage by stage."""
