// German for the page's form part: English text (the key) to its translation.
export default {
};
