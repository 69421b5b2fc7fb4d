-- tool-error-acknowledged: when a tool call failed (its `error` is set), the answer must say so.
-- "Says so" means the answer contains failure wording in one of the demo's languages (MARKERS).
-- Score 1 when no call failed or the answer acknowledges it, else 0. A failed call with no
-- output string to check is an error row.

-- Lowercase (string.lower folds ASCII only).
local MARKERS = {
  "couldn't", "couldn’t", "could not", "unable to", "wasn't able", "failed",  -- en
  "konnte", "nicht möglich", "fehlgeschlagen",                                -- de
  "pas pu", "impossible", "échoué",                                            -- fr
  "no pude", "no se pudo", "no fue posible", "falló",                          -- es
  "できませんでした", "失敗",                                                  -- ja
}

function evaluate(trace)
  local failed = {}
  for _, call in ipairs(trace.tool_calls or {}) do
    if call.error ~= nil and call.error ~= "" then
      failed[#failed + 1] = tostring(call.name)
    end
  end
  if #failed == 0 then return {score = 1, reason = "no tool call failed"} end

  local output = trace.output
  if type(output) ~= "string" then error("trace has no output text") end
  local text = output:lower()
  for _, marker in ipairs(MARKERS) do
    if text:find(marker, 1, true) then
      return {score = 1, reason = "failed " .. failed[1] .. " acknowledged ('" .. marker .. "')"}
    end
  end
  return {score = 0, reason = "failed " .. table.concat(failed, ", ") .. " not acknowledged"}
end
