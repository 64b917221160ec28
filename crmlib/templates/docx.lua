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
local HEADER_CHARS, CELL_CHARS = 12, 40

local function widen(lengths, rows, cap)
  for _, row in ipairs(rows) do
    for i, cell in ipairs(row.cells) do
      local length = math.min(utf8.len(pandoc.utils.stringify(cell.contents)) or 0, cap)
      if lengths[i] and length > lengths[i] then lengths[i] = length end
    end
  end
end

function Table(tbl)
  local lengths = {}
  for i = 1, #tbl.colspecs do lengths[i] = 6 end
  widen(lengths, tbl.head.rows, HEADER_CHARS)
  for _, body in ipairs(tbl.bodies) do widen(lengths, body.body, CELL_CHARS) end
  local total = 0
  for _, length in ipairs(lengths) do total = total + length end
  for i, spec in ipairs(tbl.colspecs) do tbl.colspecs[i] = { spec[1], lengths[i] / total } end
  return tbl
end
