api
