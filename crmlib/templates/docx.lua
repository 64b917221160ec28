-- pandoc filter for report.docx: what the HTML does with CSS, done the Word way.

local page_break = pandoc.RawBlock("openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>')

-- Each chapter starts on a new page, as in the PDF.
function Header(header)
  if header.level == 1 then
    return { page_break, header }
  end
end

-- The contents: Word's own field over headings 1-2, filled in when the document is updated (F9).
function Div(div)
  if div.classes:includes("toc") then
    return pandoc.RawBlock("openxml",
      '<w:p><w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>' ..
      '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText></w:r>' ..
      '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' ..
      '<w:r><w:t>Daftar isi: perbarui bidang ini (klik kanan, Perbarui Bidang) untuk nomor halamannya.</w:t></w:r>' ..
      '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
  end
end

-- Column widths by content, filling the text width: without them a table shrinks to its narrowest.
-- Each column first gets its longest word (a ticket number must not break), then a share of
-- what is left by how much longer its cells are. Widths are in lowercase letters of the 8.5 pt table
-- type: the 16 cm text width holds about 92; digits and capitals are wider, and each cell's margins
-- take about three.
local TEXT_WIDTH_CHARS, LONGEST_CELL, LONGEST_WORD, CELL_PADDING, WIDE = 92, 40, 16, 3, 1.2

local function width(text, longest)
  local letters, wide = 0, 0
  for _, code in utf8.codes(text) do
    letters = letters + 1
    if (code >= 48 and code <= 57) or (code >= 65 and code <= 90) then wide = wide + 1 end
  end
  return math.min(letters + wide * (WIDE - 1), longest) + CELL_PADDING
end

local function measure(need, want, rows)
  for _, row in ipairs(rows) do
    for i, cell in ipairs(row.cells) do
      local text = pandoc.utils.stringify(cell.contents)
      for word in text:gmatch("%S+") do need[i] = math.max(need[i], width(word, LONGEST_WORD)) end
      want[i] = math.max(want[i], width(text, LONGEST_CELL))
    end
  end
end

function Table(tbl)
  local need, want = {}, {}
  for i = 1, #tbl.colspecs do need[i], want[i] = 2 + CELL_PADDING, 2 + CELL_PADDING end
  measure(need, want, tbl.head.rows)
  for _, body in ipairs(tbl.bodies) do measure(need, want, body.body) end
  local needed, extra = 0, 0
  for i = 1, #need do
    want[i] = math.max(want[i], need[i])
    needed, extra = needed + need[i], extra + want[i] - need[i]
  end
  local spare = math.max(TEXT_WIDTH_CHARS - needed, 0)
  local widths, total = {}, 0
  for i = 1, #need do
    widths[i] = need[i] + (extra > 0 and (want[i] - need[i]) * math.min(spare / extra, 1) or 0)
    total = total + widths[i]
  end
  for i, spec in ipairs(tbl.colspecs) do tbl.colspecs[i] = { spec[1], widths[i] / total } end
  return tbl
end
