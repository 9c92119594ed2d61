"""The three lists (三张清单): needs, resources offered, projects in batches with their pledges."""
