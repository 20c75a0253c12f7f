-- wrk script: POST a new region per request with the bearer token in $SHEQUN_TOKEN.
-- Names carry the wrk thread and a counter, so no two requests collide (a collision
-- would answer 409 and be counted in `bad`).
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  n = 0
  token = os.getenv("SHEQUN_TOKEN")
end

function request()
  n = n + 1
  local body = string.format('{"name":"wrk 大区 %d-%d"}', tid, n)
  return wrk.format("POST", "/api/v1/regions",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end
