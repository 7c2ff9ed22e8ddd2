"""HTTP views: thin handlers over the services, errors mapped at the edge."""
