-- overlength-summary: an answer longer than MAX_CHARS code points must have a summary line, a
-- line that starts with one of LABELS (after optional markdown: spaces, #, *, >, -, _).
-- Score 1 when the answer is short enough or has such a line, else 0. A trace without an output
-- string is an error row, as for the text plugins.

local MAX_CHARS = 1200

-- Lowercase (string.lower folds ASCII only, so the accented labels are written as they appear).
local LABELS = {
  "summary:", "tl;dr", "zusammenfassung:", "résumé :", "résumé:", "resumen:", "要約：", "要約:",
}

local function is_summary_line(line)
  local text = line:gsub("^[%s#%*>%-_]+", ""):lower()
  for _, label in ipairs(LABELS) do
    if text:sub(1, #label) == label then return true end
  end
  return false
end

function evaluate(trace)
  local output = trace.output
  if type(output) ~= "string" then error("trace has no output text") end
  -- utf8.len is nil on invalid UTF-8; bytes are then the best measure left.
  local chars = utf8.len(output) or #output
  if chars <= MAX_CHARS then
    return {score = 1, reason = chars .. " chars <= " .. MAX_CHARS}
  end
  for line in output:gmatch("[^\n]+") do
    if is_summary_line(line) then
      return {score = 1, reason = chars .. " chars, with a summary line"}
    end
  end
  return {score = 0, reason = chars .. " chars > " .. MAX_CHARS .. " and no summary line"}
end
